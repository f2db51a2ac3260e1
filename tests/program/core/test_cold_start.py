"""A web worker starts without the heavy scientific libraries: the URL configuration (every view,
form and model) imports no scipy or statsmodels. scipy.stats alone took seconds to import on each
fresh worker; it is now imported where a cohort is solved or an interval is computed."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PROBE = """
import json, sys
import django
django.setup()
import program.core.urls  # every view, form, model and template tag library the site routes to
from django.urls import reverse
reverse("hr:equity")
print(json.dumps(sorted(name for name in ("scipy", "statsmodels", "numpy") if name in sys.modules)))
"""


def test_loading_the_urls_imports_neither_scipy_nor_statsmodels():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=True)
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert "scipy" not in loaded
    assert "statsmodels" not in loaded


def test_an_interval_still_comes_out_right_once_scipy_is_loaded_on_demand():
    from program.reports import stats

    # Student's t 0.975 quantile with 9 degrees of freedom (any t table): 2.262.
    estimate = stats.mean_interval(10, 50.0, 10 * 25.0 + 9 * 4.0)  # mean 5, variance 4
    half = 2.262157163 * (4.0 / 10) ** 0.5
    assert abs(estimate.low - (5 - half)) < 1e-9 and abs(estimate.high - (5 + half)) < 1e-9
    assert abs(stats.Z95 - 1.959963984540054) < 1e-15
