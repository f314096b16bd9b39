"""The time layer: instants, durations, spans, timelines, periods and calendars."""
