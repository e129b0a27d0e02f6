-- Documents added to a case after intake (issue #14, item 22) say what they are: the signed receipt
-- form, meeting minutes, the customer's later evidence, other (voc.model.DocumentKind). Files kept at
-- intake have none (NULL).
ALTER TABLE attachments ADD COLUMN kind VARCHAR;
