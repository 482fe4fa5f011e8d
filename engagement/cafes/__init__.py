"""Virtual cafés: schedule, seats and waiting list, reminders, check-in, evaluation, report."""
