"""The application layer: the one doorway the CLI and the window both go through.

It owns the workspace (:class:`desk.Desk`) and every filing workflow: which definition applies to a
period (definitions), reading files (inputs), new documents and blank rows (documents), evaluation
with the one finding policy (evaluation), acknowledgements, plan start (plans), status cards
(status), export with state change and chain (export, desk). No Qt here; ``ui/`` never imports
``store/`` and calls this package instead; the CLI holds no workflow either.

Modules are imported directly (``from cets_desktop.workflow.desk import Desk``); this package
imports nothing on its own, so a command that needs one part does not pay for the rest.
"""
