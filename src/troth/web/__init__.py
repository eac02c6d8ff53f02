"""The web app: troth in the browser, over the same service layer as the CLI."""
