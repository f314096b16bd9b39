"""The plans of the credit-run how-to: three tiers, as in the benchmark's W4 portfolio."""

import slakit as sla

provider = "Acme Cloud"

uptime = sla.uptime(
    min_outage=sla.minutes(1),
    excluding=[sla.scheduled_maintenance(notice=sla.days(5))],
)
office = sla.uptime(
    during=sla.weekly("Mon-Fri 08:00-18:00", tz="UTC"),  # UTC: moved to each customer's zone
    min_outage=sla.minutes(1),
    excluding=[sla.scheduled_maintenance(notice=sla.days(5))],
)

plans = {
    "gold": sla.Tier(
        "gold",
        fee=sla.usd("1000.00"),
        objectives=[uptime >= "99.99%"],
        compensation=sla.credit_schedule(
            uptime, {"< 99.99%": "10%", "< 99%": "30%", "< 95%": "100%"}
        ),
    ),
    "silver": sla.Tier(
        "silver",
        fee=sla.usd("500.00"),
        objectives=[uptime >= "99.9%"],
        compensation=sla.credit_schedule(uptime, {"< 99.9%": "10%", "< 99%": "25%"}),
    ),
    "bronze": sla.Tier(
        "bronze",
        fee=sla.usd("100.00"),
        objectives=[office >= "99.5%"],
        compensation=sla.credit_schedule(office, {"< 99.5%": "10%"}),
    ),
}
