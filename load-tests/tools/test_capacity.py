"""Tests of capacity.py's verdicts: python3 -m unittest discover -s load-tests/tools"""
import unittest

from capacity import judge

BOUNDS = dict(max_p99=50.0, max_err=1.0, step_s=8.0)


def step(rate, p99="10", ko=0, total=None):
    total = rate * 8 if total is None else total
    return (rate, total, total - ko, ko, "1", p99)


class JudgeTest(unittest.TestCase):
    def test_every_step_held_is_capped_at_the_last(self):
        lines, held, capped = judge("t", [step(250), step(313), step(391)], **BOUNDS)
        self.assertEqual((held, capped), (391, True))
        self.assertTrue(all(line.endswith(" held") for line in lines))

    def test_held_is_the_last_step_before_the_first_break(self):
        steps = [step(250), step(313, p99="50"), step(391)]
        lines, held, capped = judge("t", steps, **BOUNDS)
        self.assertEqual((held, capped), (250, False))
        self.assertTrue(lines[1].endswith(" broke"))

    def test_failed_share_at_the_bound_breaks(self):
        _, held, capped = judge("t", [step(250), step(313, ko=26, total=2600)], **BOUNDS)
        self.assertEqual((held, capped), (250, False))

    def test_a_step_cut_short_is_not_held(self):
        lines, held, capped = judge("t", [step(250), step(313, total=1000)], **BOUNDS)
        self.assertEqual((held, capped), (250, False))
        self.assertTrue(lines[1].endswith(" cut short"))

    def test_no_p99_and_a_broken_first_step_hold_nothing(self):
        self.assertEqual(judge("t", [step(250, p99="-")], **BOUNDS)[1:], (0, False))
        self.assertEqual(judge("t", [], **BOUNDS)[1:], (0, False))

    def test_steps_are_judged_in_rate_order(self):
        _, held, _ = judge("t", [step(391), step(250, p99="80"), step(313)], **BOUNDS)
        self.assertEqual(held, 0)


if __name__ == "__main__":
    unittest.main()
