-- The confirmation page's sign-ins (DESIGN §9.1): one row per started OpenID Connect authorization-code flow, taken
-- (deleted) by its callback, so a state is used once, on whichever node the callback reaches. The state and the
-- browser cookie that must come back with it are kept as SHA-256 hashes; the nonce and the PKCE verifier are what the
-- callback checks the provider's answer against.
CREATE TABLE confirmation_flow (
    state_hash     VARCHAR(64)   NOT NULL PRIMARY KEY,
    browser_hash   VARCHAR(64)   NOT NULL,
    activation_id  VARCHAR(36)   NOT NULL,
    challenge_id   VARCHAR(36)   NOT NULL,
    decision       VARCHAR(10)   NOT NULL,
    nonce          VARCHAR(200)  NOT NULL,
    code_verifier  VARCHAR(200),
    redirect_uri   VARCHAR(2000) NOT NULL,
    started_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX confirmation_flow_challenge ON confirmation_flow (challenge_id);
CREATE INDEX confirmation_flow_started ON confirmation_flow (started_at);

-- In self-activate mode, what PIM answered the person's own selfActivate, sent from the sign-in's callback with the
-- delegated token (used once, never stored): the activation step records this instead of calling PIM itself.
CREATE TABLE self_activation (
    activation_id  VARCHAR(36)   NOT NULL PRIMARY KEY,
    challenge_id   VARCHAR(36)   NOT NULL,
    pim_request_id VARCHAR(100),
    pim_status     VARCHAR(40),
    start_at       TIMESTAMP WITH TIME ZONE,
    end_at         TIMESTAMP WITH TIME ZONE,
    adopted        BOOLEAN       NOT NULL,
    denial         VARCHAR(2000),
    recorded_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
