"""Quality management's pages, under /quality/ (the survey's public page under /survey/)."""

app_name = "quality"
urlpatterns = []
