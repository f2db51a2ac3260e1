from django.urls import path, re_path

from program.scim import token_views, views

app_name = "scim"
urlpatterns = [
    path("v2/ServiceProviderConfig", views.service_provider_config,
         name="service_provider_config"),
    path("v2/ResourceTypes", views.resource_types, name="resource_types"),
    path("v2/ResourceTypes/<str:name>", views.resource_type, name="resource_type"),
    path("v2/Schemas", views.schemas, name="schemas"),
    re_path(r"^v2/Schemas/(?P<schema_id>[\w:.\-]+)$", views.schema, name="schema"),
    path("v2/Users", views.user_list, name="users"),
    path("v2/Users/.search", views.users_search, name="users_search"),
    path("v2/.search", views.search, name="search"),
    path("v2/Users/<str:pk>", views.user_detail, name="user"),
    path("v2/Groups", views.group_list, name="groups"),
    path("v2/Groups/.search", views.groups_search, name="groups_search"),
    path("v2/Groups/<str:pk>", views.group_detail, name="group"),
    re_path(r"^v2/(?P<rest>.*)$", views.not_found, name="not_found"),
    path("tokens/", token_views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", token_views.revoke, name="token_revoke"),
]
