"""The pages of citizens' messages: the citizen's (form, tracking, my messages), the congress
office's (phone entry, triage, a message's page and its actions) and the handling unit's."""
