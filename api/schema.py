"""How the OpenAPI schema describes the token authentication (a bearer token in the Authorization header)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "「APIトークン」の画面（/api/tokens/）で作成した個人のトークン。"
            "Authorization: Bearer smrj_… の形で送ります。",
        }
