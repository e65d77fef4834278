"""Package data of clientflags (the bundled model), located with importlib.resources."""
