"""The operator console (GET /console): a page of plain ES modules and one stylesheet, served by the app,
that uses the public GraphQL API and its subscriptions like any other client. Nothing is built: the files
under static/ are what the browser runs."""

from api.console.routes import CONSOLE_PATH, console_routes

__all__ = ["CONSOLE_PATH", "console_routes"]
