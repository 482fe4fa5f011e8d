"""Engagement logic (consultations, polls, cafés), free of aiogram: pure cores and services."""
