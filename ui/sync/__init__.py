"""The hub sync as the window shows it: the status bar label, the Hub… dialog."""
