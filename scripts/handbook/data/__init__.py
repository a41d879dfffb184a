"""The data stage: CSV files and their Data Package validated into typed tables."""
