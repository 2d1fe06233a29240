// Draws the shapes of a GeoJSON document in every element with data-map="<url>".
// No background tiles: the shapes come from our own data, so the map works offline.
// Every shape carries a permanent label with its name, so colour is never the only clue;
// the colour of a shape comes from its data (properties.colour), the same as in the legend.
// data-outline="<url>" adds the outline of a larger area (the zone around a Comune), dashed.
(function () {
  "use strict";
  var DEFAULT_COLOUR = "#56B4E9";

  function fetchJSON(url) {
    return fetch(url, { headers: { Accept: "application/geo+json" } }).then(function (response) {
      return response.json();
    });
  }

  // Where to put a shape's label: the centre of its largest part (a zone may have an exclave,
  // as San Colombano al Lambro in Sud Est, which Leaflet would otherwise pick as the centre).
  function labelPoint(shape, crs) {
    var parts = shape.getLatLngs();
    if (L.LineUtil.isFlat(parts) || L.LineUtil.isFlat(parts[0])) { return null; }
    var largest = null, largestSize = -1;
    parts.forEach(function (polygon) {
      var bounds = L.latLngBounds(polygon[0]);
      var size = (bounds.getEast() - bounds.getWest()) * (bounds.getNorth() - bounds.getSouth());
      if (size > largestSize) { largestSize = size; largest = polygon[0]; }
    });
    return L.PolyUtil.polygonCenter(largest, crs);
  }

  function shapes(collection, links) {
    return L.geoJSON(collection, {
      style: function (feature) {
        var p = feature.properties;
        return {
          color: "#1a1a1a",
          weight: 1,
          fillColor: p.colour || DEFAULT_COLOUR,
          fillOpacity: 0.7,
          className: "map-area map-area-" + (p.code || "")
        };
      },
      onEachFeature: function (feature, shape) {
        var p = feature.properties;
        shape.bindTooltip(p.name, { permanent: true, direction: "center", className: "map-label" });
        if (p.url && links) {
          shape.on("click", function () { window.location.href = p.url; });
        }
      }
    });
  }

  function outline(collection) {
    return L.geoJSON(collection, {
      interactive: false,
      style: function () {
        return { color: "#1a1a1a", weight: 3, dashArray: "8 6", fill: false, className: "map-outline" };
      }
    });
  }

  function draw(element) {
    var map = L.map(element, { zoomSnap: 0.25, scrollWheelZoom: false, attributionControl: true });
    map.attributionControl.setPrefix(false);
    var requests = [fetchJSON(element.dataset.map)];
    if (element.dataset.outline) { requests.push(fetchJSON(element.dataset.outline)); }
    Promise.all(requests).then(function (collections) {
      var bounds = null;
      if (collections[1]) {
        var around = outline(collections[1]).addTo(map);
        if (around.getLayers().length) { bounds = around.getBounds(); }
      }
      var layer = shapes(collections[0], element.dataset.links !== "false").addTo(map);
      if (!bounds && layer.getLayers().length) { bounds = layer.getBounds(); }
      if (bounds) { map.fitBounds(bounds); }
      layer.eachLayer(function (shape) {  // after fitBounds: shapes join the map with its view
        var point = labelPoint(shape, map.options.crs);
        if (point) { shape.openTooltip(point); }
      });
      map.attributionControl.addAttribution(element.dataset.attribution || "");
      element.dataset.ready = "true";
    });
  }

  document.querySelectorAll("[data-map]").forEach(draw);
})();
