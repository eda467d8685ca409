import { A } from '@solidjs/router';

export function NotFound() {
  return (
    <div class="page">
      <h1>Page not found</h1>
      <p>
        This address is not a page of the panel. <A href="/">Go to the overview</A>.
      </p>
    </div>
  );
}
