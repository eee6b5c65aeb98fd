"""Page numbers for every list (JSON and CSV alike): ?page=2&page_size=500, at most MAX_PAGE_SIZE rows."""

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class ApiPagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    # Every list of the published plan fits one page (1,276 budget cells); the history takes several.
    max_page_size = 2000
    invalid_page_message = "ページが見つかりません。"

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        # CSV has no envelope: the total and the next page travel in headers for both formats.
        response["X-Total-Count"] = str(self.page.paginator.count)
        links = []
        if self.get_next_link():
            links.append(f'<{self.get_next_link()}>; rel="next"')
        if self.get_previous_link():
            links.append(f'<{self.get_previous_link()}>; rel="prev"')
        if links:
            response["Link"] = ", ".join(links)
        return response


__all__ = ["ApiPagination", "Response"]
