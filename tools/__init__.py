"""Developer tools kept out of the product package."""
