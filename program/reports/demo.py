"""Demo data for the program app: store a first outcome report so the HR dashboard has one."""

from accounts.demo import DemoContext, demo_step
from program.reports.outcome import outcome_report_snapshot_create


@demo_step(90)
def store_first_outcome_report(ctx: DemoContext) -> None:
    outcome_report_snapshot_create(as_of=ctx.today, window_months=12)
