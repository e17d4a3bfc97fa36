from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def guideline_home(request: HttpRequest) -> HttpResponse:
    return render(request, "guidelines/home.html")
