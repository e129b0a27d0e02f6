"""Generated demo data, clearly labelled as demo: case histories and the customers' texts.

`voc.demo.generate.generate_demo` is the entry point. Its parts, each importing only parts listed
before it:

- calendars: epoch seconds and local days, the policy's working-day clocks, the desk's office hours
- columns, sequences: Arrow columns and reserved ids and codes for the bulk inserts
- texts_styles, texts_themes, texts_fragments, texts_compose: the customers' words and how a
  complaint and a request are composed from them
- notes: what staff write (reasons for a late complaint, follow-up notes, the demo label)
- people: customers, branches and their staff
- arrivals: when and about what complaints arrive (volume, spikes, channels, services)
- histories: each case's planned steps and the state they have reached at `until`
- texts_cases: each case's texts and contact details
- chunk: a chunk of cases and its rows of the cases table
- root_causes, letters, events: a chunk's root causes, letters, and audit events, rounds and follow-ups
- generate: builds and writes the chunks, and reports what it wrote
"""
