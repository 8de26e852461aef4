"""Pages: see the package docstring."""

urlpatterns: list = []
