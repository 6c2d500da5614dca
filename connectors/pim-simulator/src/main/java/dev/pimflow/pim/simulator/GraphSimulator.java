package dev.pimflow.pim.simulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Microsoft Graph v1.0 look-alike for the PIM subset in {@code reference/graph-pim-spec.md}: role-assignable
 * groups, role definitions, eligibility and assignment schedule requests, schedules, instances,
 * {@code roleAssignments}, role management policies, the error envelope, and a fault switch for throttling
 * and outages. In memory, seeded with the tutorial's Contoso tenant ({@link ContosoTenant}).
 *
 * <p>Every {@code /v1.0} call needs {@code Authorization: Bearer <JWT>}; the token's claims are read without
 * verifying its signature (see {@link Caller}). {@code /_simulator/*} is the unauthenticated control surface:
 * {@code health}, {@code faults}, {@code quota}, {@code requests}, {@code reset} and {@code tokens}.
 */
public final class GraphSimulator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GraphSimulator.class);
    private static final int DEFAULT_PAGE_SIZE = 100;
    private static final int THREADS = 16;

    private final HttpServer server;
    private final ExecutorService executor;
    private final Clock clock;
    private final Faults faults = new Faults();
    private final Quota quota;
    private final RequestCounts requests = new RequestCounts();
    private final Routes routes = new Routes(requests::count);
    private final ControlSurface control;
    private final ResponseWriter writer;
    private volatile TenantState state;

    private GraphSimulator(HttpServer server, ExecutorService executor, Clock clock, int pageSize) {
        this.server = server;
        this.executor = executor;
        this.clock = clock;
        this.quota = new Quota(clock);
        this.control = new ControlSurface(this, faults, quota, requests);
        this.writer = new ResponseWriter(clock);
        this.state = seeded(clock);
        ODataResponses odata = new ODataResponses(pageSize, () -> state);
        // in this order: the first route that matches answers
        new DirectoryRoutes(() -> state, odata, clock).addTo(routes);
        new RoleRoutes(() -> state, odata).addTo(routes);
        new ScheduleRoutes(() -> state, odata).addTo(routes);
        new PolicyRoutes(() -> state, odata).addTo(routes);
        new ApprovalRoutes(() -> state, odata).addTo(routes);
    }

    /** Starts on 127.0.0.1; port 0 picks a free port. */
    public static GraphSimulator start(int port) {
        return start(port, Clock.systemUTC(), DEFAULT_PAGE_SIZE);
    }

    /** Starts on 127.0.0.1 with a clock (for expiry tests) and a default page size (to exercise paging). */
    public static GraphSimulator start(int port, Clock clock, int pageSize) {
        return start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), clock, pageSize);
    }

    public static GraphSimulator start(InetSocketAddress address, Clock clock, int pageSize) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be positive");
        }
        try {
            HttpServer server = HttpServer.create(address, 64);
            AtomicInteger n = new AtomicInteger();
            ExecutorService executor = Executors.newFixedThreadPool(THREADS, r -> {
                Thread t = new Thread(r, "graph-simulator-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            GraphSimulator simulator = new GraphSimulator(server, executor, clock, pageSize);
            server.setExecutor(executor);
            server.createContext("/", simulator::handle);
            server.start();
            log.info(
                    "Graph simulator listening on {} (tenant {}, unsigned tokens accepted)",
                    simulator.baseUrl(),
                    ContosoTenant.TENANT_ID);
            return simulator;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the Graph simulator on " + address, e);
        }
    }

    public String baseUrl() {
        return "http://localhost:" + port() + "/v1.0";
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Graph's quotas (off unless {@code settings.enabled()}), from now on; {@link #reset()} comes back to them, and
     * {@code POST /_simulator/quota} changes them at run time.
     */
    public GraphSimulator quota(QuotaSettings settings) {
        quota.configure(settings);
        return this;
    }

    /**
     * The requests each endpoint answered since the start or the last reset, e.g.
     * {@code "GET /users/{id}/transitiveMemberOf?$select&$top" -> 1}, sorted ({@link RequestCounts} says what counts);
     * also at {@code GET /_simulator/requests}.
     */
    public Map<String, Long> requests() {
        return requests.snapshot();
    }

    /** The request counts back to zero ({@code DELETE /_simulator/requests}). */
    public void resetRequests() {
        requests.reset();
    }

    /** Back to the seeded tenant, with no faults armed and the configured quota, its counters and the request counts at zero. */
    public void reset() {
        state = seeded(clock);
        faults.clear();
        quota.reset();
        requests.reset();
    }

    /**
     * Adds a user to the tenant beyond the seed, e.g. one whose {@code mail} differs from its user principal name or
     * is another user's too; gone at the next {@link #reset()}.
     */
    public void addUser(String id, String displayName, String userPrincipalName, String mail) {
        state.addUser(new DirectoryObjects.User(id, displayName, null, null, userPrincipalName, mail, null));
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static TenantState seeded(Clock clock) {
        TenantState s = new TenantState(ContosoTenant.TENANT_ID, clock);
        ContosoTenant.seed(s);
        return s;
    }

    // ------------------------------------------------------------------ plumbing

    private void handle(HttpExchange ex) {
        String requestId = UUID.randomUUID().toString();
        String clientRequestId = ex.getRequestHeaders().getFirst("client-request-id");
        if (clientRequestId == null || clientRequestId.isBlank()) {
            clientRequestId = requestId;
        }
        String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
        URI uri = ex.getRequestURI();
        String path = uri.getPath();
        int status = 500;
        try {
            byte[] body = ex.getRequestBody().readAllBytes();
            Reply reply;
            if (path.startsWith("/_simulator") || path.toLowerCase(Locale.ROOT).startsWith("/v1.0/_simulator")) {
                reply = control.handle(
                        method, path.substring(path.indexOf("/_simulator") + "/_simulator".length()), body);
            } else {
                reply = graph(ex, method, uri, body);
            }
            status = reply.status();
            writer.write(ex, reply.status(), reply.body(), reply.headers(), requestId, clientRequestId);
        } catch (GraphError e) {
            status = e.status;
            writer.writeError(ex, e, requestId, clientRequestId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // close() while a delayed (fault) response was waiting
        } catch (Exception e) {
            log.warn("Graph simulator failed on {} {} (request-id {})", method, path, requestId, e);
            writer.writeError(
                    ex,
                    new GraphError(500, "generalException", "An unspecified error has occurred."),
                    requestId,
                    clientRequestId);
        } finally {
            log.debug(
                    "{} {} -> {} (request-id {}, client-request-id {})",
                    method,
                    path,
                    status,
                    requestId,
                    clientRequestId);
            ex.close();
        }
    }

    private Reply graph(HttpExchange ex, String method, URI uri, byte[] body) throws InterruptedException {
        String path = uri.getPath();
        if (!path.regionMatches(true, 0, "/v1.0/", 0, 6)) {
            throw GraphError.badRequest("BadRequest", "Invalid version: the simulator serves /v1.0 only.");
        }
        String rawQuery = uri.getRawQuery();
        Faults.Fault fault = faults.next(method, path + (rawQuery == null ? "" : "?" + Call.decode(rawQuery)));
        if (fault != null) {
            if (fault.delayMillis > 0) {
                Thread.sleep(fault.delayMillis);
            }
            if (fault.status != 0) {
                throw Faults.error(fault);
            }
        }
        Caller caller = Caller.fromAuthorization(ex.getRequestHeaders().getFirst("Authorization"), clock.instant());
        String relative = Call.stripSlash(path.substring(5));
        String host = ex.getRequestHeaders().getFirst("Host");
        if (host == null) {
            host = "localhost:" + port();
        }
        Call call = new Call(
                method,
                relative,
                uri.getRawPath(),
                rawQuery,
                Call.parseQuery(rawQuery),
                body,
                caller,
                "http://" + host + "/v1.0");
        Quota.Kind kind = Quota.kind(method);
        quota.admit(caller.appId(), kind, kind == Quota.Kind.READ ? Quota.readUnits(relative, call.query()) : 1);
        return routes.dispatch(call);
    }
}
