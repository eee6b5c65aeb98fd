"""The schema (/api/schema/) and the documentation page (/api/docs/): Swagger UI from drf-spectacular-sidecar,
served from this site's static files (no CDN); its start-up script is a separate same-site file, so the page
runs under the site's Content-Security-Policy (script-src 'self')."""

from django.contrib.auth.decorators import login_required
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

schema = SpectacularAPIView.as_view()
# A page for people: an anonymous visitor is sent to the login page (the script request too).
docs = login_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema", title="API の説明"))
