"""The staff pages (工作人员页面): HTML rendered by the server, htmx for partial updates.

No data and no access decisions of its own: every page calls the three services through
their typed clients with the signed-in person's own token (``session``), so what a page
shows is exactly what the services let that person see, and a split deployment works
(``archive serve --service web``).
"""
