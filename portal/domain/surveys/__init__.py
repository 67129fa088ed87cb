"""Anonymous surveys: questions as data, answers kept apart from who gave them."""
