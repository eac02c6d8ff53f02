"""The web app's views: thin, like the CLI's commands. Each reads the owner from
`request.user`, calls one service function inside a transaction, and renders."""
