"""The appointment calendar: a painted day/week canvas, its page, the booking dialog."""
