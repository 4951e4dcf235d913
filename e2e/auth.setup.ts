import { expect, request as playwrightRequest, test as setup } from "@playwright/test";
import { demoLogins, roles, signInByApi, storageStateFor } from "./support";

for (const role of roles) {
  setup(`sign in as ${role}`, async ({ baseURL }) => {
    const context = await playwrightRequest.newContext({ baseURL });
    const response = await signInByApi(context, demoLogins()[role]);
    expect(response.status(), await response.text()).toBeLessThan(400);
    const session = await (await context.get("/api/auth/session")).json();
    expect(session.user.role).toBe(role);
    await context.storageState({ path: storageStateFor(role) });
    await context.dispose();
  });
}
