"""The application shell: start-up, the object graph, the window and its screens, settings."""
