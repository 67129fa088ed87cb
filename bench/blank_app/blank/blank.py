"""One page, one counter."""

import reflex as rx


class CounterState(rx.State):
    """The only state: a number and the event that raises it."""

    count: int = 0

    @rx.event
    def increment(self):
        """Add one."""
        self.count += 1


def index() -> rx.Component:
    return rx.vstack(
        rx.heading(CounterState.count),
        rx.button("+1", on_click=CounterState.increment),
    )


app = rx.App()
app.add_page(index, route="/")
