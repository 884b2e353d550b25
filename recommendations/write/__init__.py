"""The write side: accounts, log-in, every change made in the app, with its audit row."""
