"""Qt-free presentation: what outcomes, confirmations and meetings look like and say."""
