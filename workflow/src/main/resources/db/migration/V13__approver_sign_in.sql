-- Approvers sign in with the identity provider (DESIGN §9.3): the approval page's sign-ins share the confirmation
-- page's table and callback. purpose says which kind of flow a row is: 'mfa' (the person confirms a challenge; what
-- every earlier row was) or 'approval' (an approver decides a stage; challenge_id then holds the approval id, and
-- justification the approver's justification typed on the page, at most 500 characters as in approval_request).
ALTER TABLE confirmation_flow ADD COLUMN purpose VARCHAR(20) DEFAULT 'mfa' NOT NULL;
ALTER TABLE confirmation_flow ADD COLUMN justification VARCHAR(500);
