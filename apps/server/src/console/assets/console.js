// The console's one script (no framework, no build): keyboard labelling on the review page and
// highlighting the passage a citation points to. Pages work without it (plain forms and links).

function setupReview(form) {
  const criteria = [...form.querySelectorAll('.criterion')];
  if (criteria.length === 0) return;
  let active = 0;
  const show = () => {
    for (const [i, el] of criteria.entries()) el.classList.toggle('active', i === active);
  };
  show();
  for (const [i, el] of criteria.entries()) {
    el.addEventListener('change', () => {
      active = Math.min(i + 1, criteria.length - 1);
      show();
    });
  }
  document.addEventListener('keydown', (event) => {
    const target = event.target;
    if (target instanceof HTMLTextAreaElement || (target instanceof HTMLInputElement && target.type === 'text')) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (/^[1-9]$/.test(event.key)) {
      const radios = criteria[active].querySelectorAll('input[type=radio]');
      const radio = radios[Number(event.key) - 1];
      if (!radio) return;
      radio.checked = true;
      radio.dispatchEvent(new Event('change', { bubbles: true }));
      event.preventDefault();
    } else if (event.key === 'ArrowDown' || event.key === 'j') {
      active = Math.min(active + 1, criteria.length - 1);
      show();
      event.preventDefault();
    } else if (event.key === 'ArrowUp' || event.key === 'k') {
      active = Math.max(active - 1, 0);
      show();
      event.preventDefault();
    } else if (event.key === 'Enter') {
      form.requestSubmit(form.querySelector('button[value=submit]'));
      event.preventDefault();
    } else if (event.key === 's') {
      form.requestSubmit(form.querySelector('button[value=skip]'));
      event.preventDefault();
    }
  });
}

function setupCitations() {
  for (const link of document.querySelectorAll('a.cite')) {
    const passage = document.getElementById(link.getAttribute('href').slice(1));
    if (!passage) continue;
    link.addEventListener('mouseenter', () => passage.classList.add('highlight'));
    link.addEventListener('mouseleave', () => passage.classList.remove('highlight'));
  }
}

document.addEventListener('DOMContentLoaded', () => {
  const form = document.querySelector('form.review');
  if (form) setupReview(form);
  setupCitations();
});
