// Bootstrap Italia loads its fonts from window.__PUBLIC_PATH__ (see its fonts-loader plugin).
window.__PUBLIC_PATH__ = document.currentScript.dataset.fonts;
