package dev.pimflow.contracts.seed;

/**
 * The identities of the tenant that pimflow's Graph simulator seeds (the tenant of Microsoft's Graph PIM tutorial,
 * plus Bob): its tenant id, users, group and the roles the tutorial uses. Demo and test data, in one place: the
 * simulator seeds them ({@code dev.pimflow.pim.simulator.ContosoTenant}), {@code pimctl tutorial} and {@code pimctl
 * demo} replay the tutorial with them, the bench and the tests ask for activations with them. Not for production use:
 * a real tenant has other ids.
 */
public final class TutorialTenant {

    public static final String TENANT_ID = "a4f9d1c2-7b3e-4e58-9c6a-2d1f0b8e7c35";

    /** MOD Administrator: owner of the helpdesk group, permanently active Global Administrator. */
    public static final String ADMIN_ID = "e2330663-f949-41b5-a3dc-faeb793e14c6";
    /** Aline Dupuy: member of the helpdesk group, so eligible for User Administrator through it. */
    public static final String ALINE_ID = "d9771b4c-06c5-491a-92cb-3aa4e225a725";
    /** Bob Kelly: eligible for nothing. */
    public static final String BOB_ID = "3f6a2b1c-7d8e-4f90-a1b2-c3d4e5f60718";

    /** The tenant's domain: its users are cloud-only, so their user principal name is also their {@code mail}. */
    public static final String DOMAIN = "contoso.onmicrosoft.com";
    /** Aline Dupuy's user principal name (and e-mail), as ticket systems name her. */
    public static final String ALINE_UPN = "AlineD@" + DOMAIN;

    /** The group of the tutorial's own run (its text hard-codes the id in steps 2 and 6), eligible for User Administrator. */
    public static final String HELPDESK_GROUP_ID = "1189bbdd-1268-4a72-8c6d-6fe77d28f2e3";

    /** Microsoft Entra's built-in role template ids of the roles the tutorial uses. */
    public static final String USER_ADMINISTRATOR_ROLE_ID = "fe930be7-5e62-47db-91af-98c3a49a38b1";

    public static final String GLOBAL_ADMINISTRATOR_ROLE_ID = "62e90394-69f5-4237-9190-012177145e10";

    private TutorialTenant() {}
}
