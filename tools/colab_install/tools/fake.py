"""Create a placeholder installed distribution (dist-info only, no code) in a venv's site-packages.
fake.py SITE_PACKAGES NAME VERSION [REQUIREMENT ...]   (each REQUIREMENT becomes a Requires-Dist line)
Marks itself INSTALLER=colab-placeholder so it is easy to find and remove."""
import sys, pathlib, re
site, name, ver, *reqs = sys.argv[1:]
d = pathlib.Path(site) / f"{re.sub(r'[-_.]+', '_', name)}-{ver}.dist-info"
d.mkdir(parents=True, exist_ok=True)
md = ['Metadata-Version: 2.1', f'Name: {name}', f'Version: {ver}',
      'Summary: PLACEHOLDER for Colab\'s preinstalled package (metadata only, no code)'] + [f'Requires-Dist: {r}' for r in reqs]
(d / 'METADATA').write_text('\n'.join(md) + '\n')
(d / 'INSTALLER').write_text('colab-placeholder\n')
(d / 'RECORD').write_text(f'{d.name}/METADATA,,\n{d.name}/INSTALLER,,\n{d.name}/RECORD,,\n')
print('faked', name, ver, reqs)
