"""DingTalk adapter: the core's `OutMessage`s as DingTalk robot messages (markdown, interactive cards) and DingTalk
events (messages to the robot, card button clicks over Stream mode) as the core's inbound events; `render` holds
the pure rendering, so DingTalk's markup and limits are table-tested without a network.
"""
