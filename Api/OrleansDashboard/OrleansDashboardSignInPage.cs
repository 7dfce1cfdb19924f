namespace OrleansHub.Api.OrleansDashboard;

/// <summary>
/// The page at <c>/admin/orleans/sign-in</c>: an administrator's email and password go to the API's own login, and
/// the access token it returns, kept in this page's memory only, asks for the dashboard cookie; then the browser
/// goes to the dashboard. Two small files, so they live here rather than as embedded resources; no inline script
/// (the API's Content-Security-Policy allows none).
/// </summary>
internal static class OrleansDashboardSignInPage
{
    public const string Html = """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>Orleans Dashboard: sign in</title>
          <script type="module" src="/admin/orleans/sign-in.js"></script>
        </head>
        <body>
          <main>
            <h1>Orleans Dashboard</h1>
            <p>For administrators. Sign in with your OrleansHub account.</p>
            <form id="sign-in">
              <p><label>Email <input name="email" type="email" autocomplete="username" required></label></p>
              <p><label>Password <input name="password" type="password" autocomplete="current-password" required></label></p>
              <p><button type="submit">Sign in</button></p>
            </form>
            <p id="status" role="status"></p>
          </main>
        </body>
        </html>
        """;

    public const string Script = """
        const form = document.getElementById('sign-in');
        const status = document.getElementById('status');

        form.addEventListener('submit', async (event) => {
          event.preventDefault();
          status.textContent = 'Signing in...';
          const fields = new FormData(form);
          try {
            const login = await post('/api/v1/auth/login', { email: fields.get('email'), password: fields.get('password') });
            const dashboard = await post('/admin/orleans/session', null, login.access_token);
            location.assign(dashboard.url);
          } catch (error) {
            status.textContent = error.message;
          }
        });

        async function post(url, body, token) {
          const headers = { Accept: 'application/json' };
          if (body) headers['Content-Type'] = 'application/json';
          if (token) headers.Authorization = 'Bearer ' + token;
          const response = await fetch(url, { method: 'POST', headers, body: body ? JSON.stringify(body) : undefined });
          const answer = await response.json().catch(() => ({}));
          if (!response.ok) throw new Error(answer.detail || answer.title || 'HTTP ' + response.status);
          return answer;
        }
        """;
}
