"""The Slack adapter: Bolt app, Block Kit rendering, payload translation, and how to run it.

`app` wires Bolt listeners to the core, `translate` turns Slack payloads into `Inbound` events, `blocks`
renders `OutMessage`s (and the `/meeting new` modal) as Block Kit, and `run` serves it (Socket Mode or
HTTP). `translate` and `blocks` are pure, so every payload shape and Slack limit is tested without a network.
"""
