"""Touch tests for apps/ (Kivy under Xvfb) and checks of its pure-Python parts."""
