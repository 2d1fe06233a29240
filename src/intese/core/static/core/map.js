// Draws the shapes of a GeoJSON document in every element with data-map="<url>".
// No background tiles: the shapes come from our own data, so the map works offline.
(function () {
  "use strict";
  // Eight colours distinguishable by common colour-vision deficiencies (Okabe–Ito palette).
  var palette = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999"];

  function draw(element) {
    var map = L.map(element, { zoomSnap: 0.25, scrollWheelZoom: false, attributionControl: true });
    map.attributionControl.setPrefix(false);
    fetch(element.dataset.map, { headers: { Accept: "application/geo+json" } })
      .then(function (response) { return response.json(); })
      .then(function (collection) {
        var index = 0;
        var layer = L.geoJSON(collection, {
          style: function () {
            var colour = palette[index++ % palette.length];
            return { color: "#1a1a1a", weight: 1, fillColor: colour, fillOpacity: 0.7 };
          },
          onEachFeature: function (feature, shape) {
            var p = feature.properties;
            shape.bindTooltip(p.name, { sticky: true });
            if (p.url && element.dataset.links !== "false") {
              shape.on("click", function () { window.location.href = p.url; });
            }
          }
        }).addTo(map);
        if (layer.getLayers().length) { map.fitBounds(layer.getBounds()); }
        map.attributionControl.addAttribution(element.dataset.attribution || "");
        element.dataset.ready = "true";
      });
  }

  document.querySelectorAll("[data-map]").forEach(draw);
})();
