"""The verification steps of a Belenios board, one module each.

Each module reads the :class:`~expertise.board.belenios.state.BoardState` and writes its own
:class:`~expertise.board.account.StepAccount` (and, for a failure that concerns another step
too, that one's: a superseded ballot counted by the tally is a revote failure as well). The
step ids and their BOARD-0xx checks are listed in :data:`expertise.board.rules.STEP_CHECKS`.
"""
