"""The Reflex layer: states, pages and components. Calls domain services, holds no rules."""
