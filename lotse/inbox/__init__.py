"""The agency inbox: German web pages where counselling agencies read their handoffs.

Agency staff log in, see the handoffs routed to their agency (and failed deliveries), accept
and close them. Operator accounts can log in but get 403 on these pages: the operator
statistics pages come later. Run with ``python -m lotse.inbox``; manage logins with
``python -m lotse.inbox.users``.
"""
