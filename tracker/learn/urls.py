from django.urls import path

from tracker.learn import views

app_name = "learn"

urlpatterns = [
    path("rules/", views.rules, name="rules"),
    path("", views.index, name="index"),
    path("patients/<int:patient_id>/questions/", views.questions, name="questions"),
    path("<slug:slug>/", views.page, name="page"),
]
