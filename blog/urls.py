from django.urls import path

from blog import views

app_name = "blog"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("posts/<slug:slug>/", views.post_detail, name="post"),
    path("category/<slug:slug>/", views.CategoryView.as_view(), name="category"),
    path("tag/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("archive/", views.ArchiveView.as_view(), name="archive"),
    path("archive/<int:year>/", views.YearArchive.as_view(), name="archive_year"),
    path("archive/<int:year>/<int:month>/", views.MonthArchive.as_view(), name="archive_month"),
    path("search/", views.SearchView.as_view(), name="search"),
    # Last: a page's address is any slug the patterns above (and the project's) leave.
    path("<slug:slug>/", views.page_detail, name="page"),
]
