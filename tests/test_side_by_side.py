"""The side-by-side latency benchmarks switch a pipeline step off for real (benchmarks/side_by_side.py):
with the warning-sign check off, a parse carries none of its findings; after, it does again."""

from __future__ import annotations

import asyncio

import pytest

from benchmarks.side_by_side import switched_off
from components.warning_signs import OUTPUT_KEY, WarningSignCheck

pytestmark = pytest.mark.slow

REPORT = "my lips are swelling and my throat feels tight"


def test_a_switched_off_step_leaves_no_trace_in_the_parse(agent):
    loop = asyncio.new_event_loop()
    try:
        assert OUTPUT_KEY in loop.run_until_complete(agent.parse_message(REPORT))
        with switched_off(agent, WarningSignCheck) as switched:
            assert switched >= 1
            off = loop.run_until_complete(agent.parse_message(REPORT))
        assert OUTPUT_KEY not in off
        assert OUTPUT_KEY in loop.run_until_complete(agent.parse_message(REPORT))
    finally:
        loop.close()
