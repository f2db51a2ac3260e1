"""/api/v1/ (the API, namespace "api") and HR's token page under /api/tokens/."""

from django.urls import path

from program.api import token_views
from program.api.api import api

urlpatterns = [
    path("v1/", api.urls),
    path("tokens/", token_views.tokens, name="api_tokens"),
    path("tokens/<int:pk>/revoke/", token_views.revoke, name="api_token_revoke"),
]
