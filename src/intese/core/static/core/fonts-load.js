bootstrap.loadFonts();
