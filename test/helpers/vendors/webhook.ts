// The fake vendor lives beside its channel's tests; this path stays for the tests that import it here.
export * from "../../notify/channels/webhook/fake.js";
